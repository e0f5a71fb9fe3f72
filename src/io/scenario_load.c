/* scenario_load — YAML tree -> cc_scenario. Checks keys (with did-you-mean), types and
 * values of every field and records positions; reference resolution is left to
 * cc_scenario_check, except what the loader itself needs (party and clearance of seats,
 * label originators). */
#include "io/scenario_load.h"

#include "io/patch.h"
#include "io/scenario_load_int.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ctime.h"
#include "core/grow.h"
#include "core/lang.h"
#include "core/note.h"
#include "core/scenario_model.h"
#include "core/suggest.h"
#include "io/file.h"
#include "io/iso3166.h"
#include "io/tzdb.h"
#include "io/ytree.h"
#include "core/sha256.h"

typedef struct ld {
    cc_scenario *s;
    cc_arena *a;
    cc_diags *d;
    const char *file;
    const char *tzdir;
    size_t errors;
    int oom;
    int require_languages; /* a text missing in a declared language is an error, not a warning */
} ld;

/* ---- diagnostics ---------------------------------------------------------------- */

__attribute__((format(printf, 5, 6))) static void err(ld *L, cc_pos pos, const char *code, const char *hint,
                                                      const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    L->errors++;
    const char *file = cc_scenario_pos_file(L->s, &pos);
    if (cc_diags_add(L->d, CC_SEV_ERROR, file, pos, code, hint, "%s", buf) != CC_OK)
        L->oom = 1;
}

__attribute__((format(printf, 5, 6))) static void warn(ld *L, cc_pos pos, const char *code, const char *hint,
                                                       const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    const char *file = cc_scenario_pos_file(L->s, &pos);
    if (cc_diags_add(L->d, CC_SEV_WARNING, file, pos, code, hint, "%s", buf) != CC_OK)
        L->oom = 1;
}

static void nomem(ld *L)
{
    if (!L->oom)
        cc_diags_add(L->d, CC_SEV_ERROR, L->file, (cc_pos){0, 0}, "nomem", NULL, "out of memory");
    L->oom = 1;
    L->errors++;
}

static const char *kind_name(const cc_ynode *n)
{
    if (!n)
        return "nothing";
    switch (n->kind) {
    case CC_Y_MAP: return "a map";
    case CC_Y_SEQ: return "a list";
    case CC_Y_SCALAR: return "a scalar";
    }
    return "a value";
}

/* ---- shape checks ---------------------------------------------------------------- */

static int is_map(ld *L, const cc_ynode *n, const char *what)
{
    if (n && n->kind == CC_Y_MAP)
        return 1;
    err(L, n ? n->pos : (cc_pos){0, 0}, "type", NULL, "%s must be a map, not %s", what, kind_name(n));
    return 0;
}

static int is_seq(ld *L, const cc_ynode *n, const char *what)
{
    if (n && n->kind == CC_Y_SEQ)
        return 1;
    err(L, n ? n->pos : (cc_pos){0, 0}, "type", NULL, "%s must be a list, not %s", what, kind_name(n));
    return 0;
}

/* Reports unknown keys of map with a did-you-mean over allowed (NULL-terminated). */
static void check_keys(ld *L, const cc_ynode *map, const char *what, const char *const *allowed)
{
    size_t na = 0;
    while (allowed[na])
        na++;
    for (size_t i = 0; i < map->n; i++) {
        const cc_ynode *k = map->items[2 * i];
        int ok = 0;
        for (size_t j = 0; j < na && !ok; j++)
            ok = strcmp(k->text, allowed[j]) == 0;
        if (ok)
            continue;
        const char *sug = cc_suggest(k->text, allowed, na);
        char hint[160];
        if (sug)
            snprintf(hint, sizeof hint, "did you mean '%s'?", sug);
        err(L, k->pos, "unknown-key", sug ? hint : NULL, "unknown key '%s' in %s", k->text, what);
    }
}

/* Returns the value for key, reporting a missing required key at the map. */
static cc_ynode *field(ld *L, const cc_ynode *map, const char *key, int required, const char *what)
{
    cc_ynode *v = cc_ytree_get(map, key);
    if (v && cc_ytree_is_null(v) && required) {
        err(L, v->pos, "missing", NULL, "%s: '%s' must not be empty", what, key);
        return NULL;
    }
    if (v && cc_ytree_is_null(v))
        return NULL;
    if (!v && required)
        err(L, map->pos, "missing", NULL, "%s is missing required key '%s'", what, key);
    return v;
}

static const char *scalar(ld *L, const cc_ynode *n, const char *what)
{
    if (!n)
        return NULL;
    if (n->kind != CC_Y_SCALAR) {
        err(L, n->pos, "type", NULL, "%s must be a string, not %s", what, kind_name(n));
        return NULL;
    }
    return n->text;
}

static const char *get_str(ld *L, const cc_ynode *map, const char *key, int required, const char *what)
{
    cc_ynode *n = field(L, map, key, required, what);
    if (!n || n->kind == CC_Y_SCALAR)
        return n ? n->text : NULL; /* scalar() without an error: its wording is only built for one */
    char w[160];
    snprintf(w, sizeof w, "%s '%s'", what, key);
    return scalar(L, n, w);
}

/* ---- texts in several languages (docs/scenario-format.md, "Texts and languages") ---- */

/* Index of a declared language, -1 when tag is not one. */
static int lang_index(ld *L, const char *tag)
{
    for (size_t i = 0; i < L->s->languages.n; i++)
        if (cc_lang_eq(L->s->languages.v[i], tag))
            return (int)i;
    return -1;
}

/* Reports each declared language without a text in have[] (a warning, or an error under
 * require_languages) at pos. */
static void missing_languages(ld *L, cc_pos pos, const char *what, const char *const *have)
{
    const cc_strs *lg = &L->s->languages;
    for (size_t i = 0; i < lg->n; i++) {
        if (have[i])
            continue;
        const char *hint = "write the field as a map, one text per language: {en: ..., ko: ...}";
        if (L->require_languages)
            err(L, pos, "missing-language", hint, "%s has no text in '%s' (a declared language)", what,
                lg->v[i]);
        else
            warn(L, pos, "missing-language", hint, "%s has no text in '%s' (a declared language)", what,
                 lg->v[i]);
    }
}

/* The texts of map n by language into byl[]; false after an error. */
static bool text_map(ld *L, const cc_ynode *n, const char *what, const char **byl)
{
    bool ok = true;
    for (size_t i = 0; i < n->n; i++) {
        const cc_ynode *k = n->items[2 * i], *v = n->items[2 * i + 1];
        int li = lang_index(L, k->text);
        if (li < 0) {
            err(L, k->pos, "bad-language", "add it to exercise 'languages', or fix the tag",
                "%s: '%s' is not a language of the scenario (exercise 'languages')", what, k->text);
            ok = false;
        } else if (byl[li]) {
            err(L, k->pos, "bad-language", NULL, "%s: a second text in '%s'", what, L->s->languages.v[li]);
            ok = false;
        } else if (v->kind != CC_Y_SCALAR) {
            err(L, v->pos, "type", NULL, "%s in '%s' must be a string, not %s", what, k->text, kind_name(v));
            ok = false;
        } else {
            byl[li] = v->text;
        }
    }
    return ok;
}

/* A text field: a string (the authoritative language's text) or, when the scenario declares
 * languages, a map from language to string. Returns the authoritative text and records the
 * others as its translations; reports what is missing. */
static const char *text_node(ld *L, const cc_ynode *n, const char *what)
{
    const char *byl[CC_LANG_MAX] = {0};
    cc_scenario *s = L->s;
    if (!n)
        return NULL;
    if (n->kind == CC_Y_SCALAR) {
        byl[s->authoritative] = n->text;
        missing_languages(L, n->pos, what, byl);
        return n->text;
    }
    if (n->kind != CC_Y_MAP) {
        err(L, n->pos, "type", NULL, "%s must be a string or a map of languages, not %s", what, kind_name(n));
        return NULL;
    }
    if (!s->languages.n) {
        err(L, n->pos, "bad-language", "declare them: exercise 'languages: [en, ko]'",
            "%s must be a string: a text in several languages needs exercise 'languages'", what);
        return NULL;
    }
    if (!text_map(L, n, what, byl))
        return NULL;
    const char *auth = byl[s->authoritative];
    if (!auth) {
        err(L, n->pos, "missing-language", "the authoritative text is what the record holds",
            "%s has no text in '%s', the authoritative language", what, s->languages.v[s->authoritative]);
        return NULL;
    }
    auth = cc_arena_strdup(L->a, auth); /* a pointer of its own: the key of its translations */
    for (size_t i = 0; auth && i < s->languages.n; i++)
        if ((int)i != s->authoritative && byl[i] &&
            cc_scenario_translation_add(s, auth, (int)i, byl[i]) != CC_OK)
            auth = NULL;
    if (!auth) {
        nomem(L);
        return NULL;
    }
    missing_languages(L, n->pos, what, byl);
    return auth;
}

/* How a text of map is named in diagnostics: "inject 'title' of 'I-1'" (the item's id, or a
 * classification's name), "exercise 'title'" without one. */
static void text_what(const cc_ynode *map, const char *key, const char *what, char *w, size_t size)
{
    const cc_ynode *id = cc_ytree_get(map, "id");
    if (!id)
        id = cc_ytree_get(map, "name");
    if (id && id->kind == CC_Y_SCALAR && strcmp(what, "exercise") != 0)
        snprintf(w, size, "%s '%s' of '%.64s'", what, key, id->text);
    else
        snprintf(w, size, "%s '%s'", what, key);
}

/* True when text_node would take scalar n without a diagnostic: no declared language other than
 * the authoritative one can be missing (missing_languages). */
static bool scalar_complete(const ld *L, const cc_ynode *n)
{
    if (n->kind != CC_Y_SCALAR)
        return false;
    for (size_t i = 0; i < L->s->languages.n; i++)
        if ((long long)i != (long long)L->s->authoritative)
            return false;
    return true;
}

static const char *get_text(ld *L, const cc_ynode *map, const char *key, int required, const char *what)
{
    cc_ynode *n = field(L, map, key, required, what);
    if (!n || scalar_complete(L, n))
        return n ? n->text : NULL; /* text_node's result; its wording is only built when used */
    char w[200];
    text_what(map, key, what, w, sizeof w);
    return text_node(L, n, w);
}

static const char *get_id(ld *L, const cc_ynode *map, const char *key, int required, const char *what,
                          cc_pos *pos)
{
    cc_ynode *n = field(L, map, key, required, what);
    const char *v = n && n->kind == CC_Y_SCALAR ? n->text : NULL;
    if (n && n->kind != CC_Y_SCALAR) {
        char w[160];
        snprintf(w, sizeof w, "%s '%s'", what, key);
        v = scalar(L, n, w);
    }
    if (pos)
        *pos = n ? n->pos : map->pos;
    if (v && n && !cc_scenario_id_ok(v)) { /* scalar() is NULL without a node */
        err(L, n->pos, "bad-id", "use letters, digits, '_', '.' and '-', starting with a letter or digit",
            "%s '%s' is not a valid identifier: '%s'", what, key, v);
        return NULL;
    }
    return v;
}

static int get_bool(ld *L, const cc_ynode *map, const char *key, int dflt, const char *what)
{
    cc_ynode *n = field(L, map, key, 0, what);
    if (!n)
        return dflt;
    if (n->kind == CC_Y_SCALAR && n->style == CC_YS_PLAIN) {
        if (strcmp(n->text, "true") == 0)
            return 1;
        if (strcmp(n->text, "false") == 0)
            return 0;
    }
    err(L, n->pos, "type", NULL, "%s '%s' must be true or false", what, key);
    return dflt;
}

/* A plain numeric scalar within [lo, hi]. */
static int get_number(ld *L, const cc_ynode *map, const char *key, int required, double lo, double hi,
                      double *out, const char *what)
{
    cc_ynode *n = field(L, map, key, required, what);
    if (!n)
        return 0;
    if (n->kind != CC_Y_SCALAR || n->style != CC_YS_PLAIN) {
        err(L, n->pos, "type", NULL, "%s '%s' must be a number", what, key);
        return 0;
    }
    char *end = NULL;
    errno = 0;
    double v = strtod(n->text, &end);
    if (end == n->text || *end || errno == ERANGE || !isfinite(v) || strchr(n->text, 'x') ||
        strchr(n->text, 'X') || strchr(n->text, 'n') || strchr(n->text, 'N')) {
        err(L, n->pos, "type", NULL, "%s '%s' must be a finite number, not '%s'", what, key, n->text);
        return 0;
    }
    if (v < lo || v > hi) {
        err(L, n->pos, "range", NULL, "%s '%s' is %s; it must be between %g and %g", what, key, n->text, lo,
            hi);
        return 0;
    }
    *out = v;
    return 1;
}

static int duration_node(ld *L, const cc_ynode *n, int64_t *out, const char *what)
{
    if (n->kind != CC_Y_SCALAR) {
        err(L, n->pos, "type", NULL, "%s must be a duration such as 2h30m, not %s", what, kind_name(n));
        return 0;
    }
    cc_time_error te = {0};
    if (cc_duration_parse(n->text, n->len, out, &te) != CC_OK) {
        cc_pos p = n->pos;
        p.col += (n->style == CC_YS_QUOTED) + (te.col > 0 ? te.col - 1 : 0);
        err(L, p, "bad-duration", te.hint[0] ? te.hint : NULL, "%s: %s", what, te.message);
        return 0;
    }
    return 1;
}

static int get_duration(ld *L, const cc_ynode *map, const char *key, int required, int64_t *out,
                        const char *what)
{
    cc_ynode *n = field(L, map, key, required, what);
    if (!n)
        return 0;
    char w[160];
    snprintf(w, sizeof w, "%s '%s'", what, key);
    return duration_node(L, n, out, w);
}

static int get_time(ld *L, const cc_ynode *map, const char *key, int64_t *rel, cc_pos *pos, const char *what)
{
    cc_ynode *n = field(L, map, key, 0, what);
    if (!n)
        return 0;
    *pos = n->pos;
    if (n->kind != CC_Y_SCALAR) {
        err(L, n->pos, "type", NULL, "%s '%s' must be a time such as +2h30m or an RFC 3339 time", what, key);
        return 0;
    }
    cc_time_error te = {0};
    cc_err rc = cc_time_parse_scenario(n->text, n->len, L->s->start_unix, rel, &te);
    if (rc != CC_OK) {
        cc_pos p = n->pos;
        p.col += (n->style == CC_YS_QUOTED) + (te.col > 0 ? te.col - 1 : 0);
        err(L, p, "bad-time", te.hint[0] ? te.hint : NULL, "%s '%s': %s", what, key, te.message);
        return 0;
    }
    return 1;
}

/* Value of an enumerated key; names is NULL-terminated. Returns dflt when absent. */
static int get_enum(ld *L, const cc_ynode *map, const char *key, int required, const char *const *names,
                    int dflt, const char *what, cc_pos *pos)
{
    cc_ynode *n = field(L, map, key, required, what);
    if (pos)
        *pos = n ? n->pos : map->pos;
    if (!n)
        return dflt;
    char w[160];
    snprintf(w, sizeof w, "%s '%s'", what, key);
    const char *v = scalar(L, n, w);
    if (!v)
        return dflt;
    size_t nn = 0;
    while (names[nn])
        nn++;
    for (size_t i = 0; i < nn; i++)
        if (strcmp(v, names[i]) == 0)
            return (int)i;
    char list[400] = "";
    size_t off = 0;
    for (size_t i = 0; i < nn && off < sizeof list; i++)
        off += (size_t)snprintf(list + off, sizeof list - off, "%s%s", i ? ", " : "", names[i]);
    const char *sug = cc_suggest(v, names, nn);
    char hint[440];
    if (sug)
        snprintf(hint, sizeof hint, "did you mean '%s'?", sug);
    else
        snprintf(hint, sizeof hint, "expected one of: %.400s", list);
    err(L, n->pos, "bad-value", hint, "%s: unknown value '%s'", w, v);
    return dflt;
}

/* A list of strings (or ids when ids is set). Absent -> empty. */
static cc_strs get_strs(ld *L, const cc_ynode *map, const char *key, int required, int ids, const char *what)
{
    cc_strs r = {0};
    cc_ynode *n = field(L, map, key, required, what);
    if (!n)
        return r;
    char w[160];
    snprintf(w, sizeof w, "%s '%s'", what, key);
    if (!is_seq(L, n, w))
        return r;
    r.v = cc_arena_array(L->a, n->n ? n->n : 1, sizeof *r.v);
    r.pos = cc_arena_array(L->a, n->n ? n->n : 1, sizeof *r.pos);
    if (!r.v || !r.pos) {
        nomem(L);
        return (cc_strs){0};
    }
    for (size_t i = 0; i < n->n; i++) {
        const cc_ynode *it = n->items[i];
        const char *v = scalar(L, it, w);
        if (!v)
            continue;
        if (ids && !cc_scenario_id_ok(v)) {
            err(L, it->pos, "bad-id", NULL, "%s: '%s' is not a valid identifier", w, v);
            continue;
        }
        r.pos[r.n] = it->pos;
        r.v[r.n++] = v;
    }
    return r;
}

/* A list of texts (each a string or a map of languages). */
static cc_strs get_texts(ld *L, const cc_ynode *map, const char *key, const char *what)
{
    cc_strs r = {0};
    cc_ynode *n = field(L, map, key, 0, what);
    char w[200];
    text_what(map, key, what, w, sizeof w);
    if (!n || !is_seq(L, n, w))
        return r;
    r.v = cc_arena_array(L->a, n->n ? n->n : 1, sizeof *r.v);
    r.pos = cc_arena_array(L->a, n->n ? n->n : 1, sizeof *r.pos);
    if (!r.v || !r.pos) {
        nomem(L);
        return (cc_strs){0};
    }
    for (size_t i = 0; i < n->n; i++) {
        const char *v = text_node(L, n->items[i], w);
        if (!v)
            continue;
        r.pos[r.n] = n->items[i]->pos;
        r.v[r.n++] = v;
    }
    return r;
}

/* ---- references ------------------------------------------------------------------ */

static int parse_ref(ld *L, const cc_ynode *n, cc_ref *r, const char *what)
{
    const char *v = scalar(L, n, what);
    if (!v)
        return 0;
    cc_ref_syntax syn = cc_scenario_ref_parse(v, r);
    r->pos = n->pos;
    if (syn == CC_REF_BAD_KIND) {
        err(L, n->pos, "bad-ref", "use SEAT, cell:ID, party:CODE, group:NAME or all",
            "%s: unknown reference kind in '%s'", what, v);
        return 0;
    }
    if (syn == CC_REF_BAD_NAME) {
        err(L, n->pos, "bad-ref", NULL, r->kind == CC_REF_SEAT ? "%s: '%s' is not a valid seat id"
                                                               : "%s: '%s' is not a valid reference",
            what, v);
        return 0;
    }
    return 1;
}

static cc_refs get_refs(ld *L, const cc_ynode *map, const char *key, int required, const char *what)
{
    cc_refs r = {0};
    cc_ynode *n = field(L, map, key, required, what);
    if (!n)
        return r;
    char w[160];
    snprintf(w, sizeof w, "%s '%s'", what, key);
    r.pos = n->pos;
    if (!is_seq(L, n, w))
        return r;
    if (n->n == 0 && required) {
        err(L, n->pos, "empty", NULL, "%s must name at least one recipient", w);
        return r;
    }
    r.v = cc_arena_array(L->a, n->n ? n->n : 1, sizeof *r.v);
    if (!r.v) {
        nomem(L);
        return r;
    }
    for (size_t i = 0; i < n->n; i++)
        if (parse_ref(L, n->items[i], &r.v[r.n], w))
            r.n++;
    return r;
}

/* ---- labels ---------------------------------------------------------------------- */

static int party_index(ld *L, const char *code)
{
    return L->s->policy ? cc_label_policy_party(L->s->policy, code) : -1;
}

static void set_label_text(ld *L, cc_labelspec *ls)
{
    char buf[CC_LABEL_BANNER_MAX + 1];
    cc_label_format(L->s->policy, &ls->label, buf, sizeof buf);
    ls->text = cc_arena_strdup(L->a, buf);
    if (!ls->text)
        nomem(L);
}

/* Reads a label (banner string or map). originator: party index of the sender, or -1. */
static void get_label(ld *L, const cc_ynode *map, const char *key, int originator, cc_labelspec *ls,
                      const char *what)
{
    memset(ls, 0, sizeof *ls);
    ls->label.cls = -1;
    cc_ynode *n = field(L, map, key, 1, what);
    if (!n)
        return;
    ls->pos = n->pos;
    if (!L->s->policy)
        return; /* policy errors already reported */
    cc_label_error le = {0};
    if (n->kind == CC_Y_SCALAR) {
        if (cc_label_parse(L->s->policy, n->text, n->len, originator, &ls->label, &le) != CC_OK) {
            cc_pos p = n->pos;
            p.col += (n->style == CC_YS_QUOTED) + (le.col > 0 ? le.col - 1 : 0);
            err(L, p, "bad-label", le.hint[0] ? le.hint : NULL, "%s label: %s", what, le.message);
            return;
        }
        ls->valid = true;
        set_label_text(L, ls);
        return;
    }
    if (n->kind != CC_Y_MAP) {
        err(L, n->pos, "type", NULL, "%s label must be a banner string or a map", what);
        return;
    }
    static const char *const keys[] = {"classification", "caveats", "rel_to", "originator", NULL};
    size_t before = L->errors;
    check_keys(L, n, "label", keys);
    const char *cls = get_str(L, n, "classification", 1, "label");
    cc_strs cav = get_strs(L, n, "caveats", 0, 0, "label");
    cc_ynode *reln = cc_ytree_get(n, "rel_to");
    cc_strs rel = get_strs(L, n, "rel_to", 0, 0, "label");
    const char *orig = get_str(L, n, "originator", 0, "label");
    if (orig) {
        originator = party_index(L, orig);
        if (originator < 0) {
            err(L, cc_ytree_get(n, "originator")->pos, "unknown-party", NULL,
                "label originator '%s' is not a party of this scenario", orig);
            return;
        }
    }
    if (!cls || L->errors != before)
        return;
    int bad = -1;
    cc_err rc =
        cc_label_build(L->s->policy, cls, cav.v, cav.n, reln && !cc_ytree_is_null(reln) ? rel.v : NULL, rel.n,
                       originator, &ls->label, &le, &bad);
    if (rc != CC_OK) {
        cc_pos p = cc_ytree_get(n, "classification")->pos;
        if (bad >= 0 && strstr(le.message, "caveat") && (size_t)bad < cav.n)
            p = cav.pos[bad];
        else if (bad >= 0 && (size_t)bad < rel.n)
            p = rel.pos[bad];
        err(L, p, "bad-label", le.hint[0] ? le.hint : NULL, "%s label: %s", what, le.message);
        return;
    }
    ls->valid = true;
    set_label_text(L, ls);
}

/* ---- when: at / trigger ------------------------------------------------------------- */

static void get_dist(ld *L, const cc_ynode *n, cc_dist *d, const char *what);

static void get_when(ld *L, const cc_ynode *map, cc_when *w, int required, const char *what)
{
    memset(w, 0, sizeof *w);
    w->target_index = -1;
    cc_ynode *at = field(L, map, "at", 0, what);
    cc_ynode *tr = field(L, map, "trigger", 0, what);
    if (at && tr) {
        err(L, cc_ytree_key(map, "trigger")->pos, "at-and-trigger", "keep one of them",
            "%s has both 'at' and 'trigger'", what);
        return;
    }
    if (!at && !tr) {
        if (required)
            err(L, map->pos, "missing", "add 'at: +1h' or a 'trigger'", "%s needs either 'at' or 'trigger'",
                what);
        return;
    }
    if (at) {
        if (get_time(L, map, "at", &w->at_s, &w->pos, what))
            w->has_at = true;
        return;
    }
    w->pos = tr->pos;
    if (!is_map(L, tr, "trigger"))
        return;
    static const char *const keys[] = {"after", "decision", "outcome", "consultation",
                                       "stage", "timeout",  "delay",   NULL};
    check_keys(L, tr, "trigger", keys);
    static const char *const kinds[] = {"after", "decision", "consultation", "timeout"};
    int found = -1, count = 0;
    for (int i = 0; i < 4; i++)
        if (cc_ytree_get(tr, kinds[i])) {
            if (found < 0)
                found = i;
            count++;
        }
    if (count != 1) {
        err(L, tr->pos, "bad-trigger", "use exactly one of after, decision, consultation, timeout",
            count ? "trigger names %d events; it must name exactly one" : "trigger names no event", count);
        return;
    }
    w->trig = (cc_trigger_kind)found;
    cc_ynode *t = cc_ytree_get(tr, kinds[found]);
    w->target = scalar(L, t, "trigger target");
    w->target_pos = t->pos;
    if (!w->target)
        return;
    cc_ynode *o = cc_ytree_get(tr, "outcome");
    if (o) {
        if (w->trig != CC_TRIG_DECISION)
            err(L, cc_ytree_key(tr, "outcome")->pos, "bad-trigger", NULL,
                "'outcome' only applies to a 'decision' trigger");
        w->outcome = scalar(L, o, "trigger outcome");
        w->outcome_pos = o->pos;
    }
    cc_ynode *st = cc_ytree_get(tr, "stage");
    if (st) {
        if (w->trig != CC_TRIG_CONSULTATION && w->trig != CC_TRIG_TIMEOUT)
            err(L, cc_ytree_key(tr, "stage")->pos, "bad-trigger", NULL,
                "'stage' only applies to 'consultation' and 'timeout' triggers");
        w->stage = scalar(L, st, "trigger stage");
        w->stage_pos = st->pos;
    } else if (w->trig == CC_TRIG_CONSULTATION) {
        err(L, tr->pos, "missing", NULL, "a 'consultation' trigger needs a 'stage'");
        return;
    }
    cc_ynode *dl = cc_ytree_get(tr, "delay");
    if (dl && dl->kind == CC_Y_MAP) { /* a distribution, drawn when the trigger fires */
        get_dist(L, dl, &w->delay_dist, "trigger 'delay'");
        w->delay_drawn = true;
    } else if (dl) {
        get_duration(L, tr, "delay", 0, &w->delay_s, "trigger");
    }
    w->has_trigger = true;
}

/* ---- distributions ---------------------------------------------------------------- */

static const char *const dist_names[] = {"fixed", "uniform",    "exponential", "lognormal",
                                         "gamma", "triangular", "empirical",   NULL};

static void get_dist(ld *L, const cc_ynode *n, cc_dist *d, const char *what)
{
    memset(d, 0, sizeof *d);
    d->pos = n->pos;
    int64_t v;
    if (n->kind == CC_Y_SCALAR) {
        if (duration_node(L, n, &v, what))
            d->a = (double)v;
        return;
    }
    if (!is_map(L, n, what))
        return;
    size_t before = L->errors;
    d->kind = (cc_dist_kind)get_enum(L, n, "dist", 1, dist_names, 0, what, NULL);
    if (L->errors != before)
        return; /* unknown or missing kind: its parameters cannot be checked */
    static const char *const k_fixed[] = {"dist", "value", NULL};
    static const char *const k_uniform[] = {"dist", "min", "max", NULL};
    static const char *const k_exp[] = {"dist", "mean", NULL};
    static const char *const k_logn[] = {"dist", "median", "sigma", NULL};
    static const char *const k_gamma[] = {"dist", "shape", "scale", NULL};
    static const char *const k_tri[] = {"dist", "min", "mode", "max", NULL};
    static const char *const k_emp[] = {"dist", "values", NULL};
    static const char *const *const keys[] = {k_fixed, k_uniform, k_exp, k_logn, k_gamma, k_tri, k_emp};
    check_keys(L, n, "distribution", keys[d->kind]);
    int64_t a = 0, b = 0, c = 0;
    double x = 0;
    switch (d->kind) {
    case CC_DIST_FIXED:
        if (get_duration(L, n, "value", 1, &a, what))
            d->a = (double)a;
        break;
    case CC_DIST_UNIFORM:
        if (get_duration(L, n, "min", 1, &a, what) & get_duration(L, n, "max", 1, &b, what)) {
            if (a > b)
                err(L, cc_ytree_get(n, "min")->pos, "bad-dist", "swap min and max",
                    "%s: uniform min is greater than max", what);
            d->a = (double)a;
            d->b = (double)b;
        }
        break;
    case CC_DIST_EXPONENTIAL:
        if (get_duration(L, n, "mean", 1, &a, what)) {
            if (a <= 0)
                err(L, cc_ytree_get(n, "mean")->pos, "bad-dist", NULL,
                    "%s: exponential mean must be greater than zero", what);
            d->a = (double)a;
        }
        break;
    case CC_DIST_LOGNORMAL:
        if (get_duration(L, n, "median", 1, &a, what)) {
            if (a <= 0)
                err(L, cc_ytree_get(n, "median")->pos, "bad-dist", NULL,
                    "%s: lognormal median must be greater than zero", what);
            else
                d->a = log((double)a);
        }
        if (get_number(L, n, "sigma", 1, -1e9, 100, &x, what)) {
            if (x <= 0)
                err(L, cc_ytree_get(n, "sigma")->pos, "bad-dist", NULL,
                    "%s: lognormal sigma must be greater than zero", what);
            d->b = x;
        }
        break;
    case CC_DIST_GAMMA:
        if (get_number(L, n, "shape", 1, -1e9, 1e6, &x, what)) {
            if (x <= 0)
                err(L, cc_ytree_get(n, "shape")->pos, "bad-dist", NULL,
                    "%s: gamma shape must be greater than zero", what);
            d->a = x;
        }
        if (get_duration(L, n, "scale", 1, &b, what)) {
            if (b <= 0)
                err(L, cc_ytree_get(n, "scale")->pos, "bad-dist", NULL,
                    "%s: gamma scale must be greater than zero", what);
            d->b = (double)b;
        }
        break;
    case CC_DIST_TRIANGULAR:
        if (get_duration(L, n, "min", 1, &a, what) & get_duration(L, n, "mode", 1, &b, what) &
            get_duration(L, n, "max", 1, &c, what)) {
            if (!(a <= b && b <= c && a < c))
                err(L, cc_ytree_get(n, "mode")->pos, "bad-dist", NULL,
                    "%s: triangular needs min <= mode <= max and min < max", what);
            d->a = (double)a;
            d->b = (double)b;
            d->c = (double)c;
        }
        break;
    case CC_DIST_EMPIRICAL: {
        cc_ynode *vals = field(L, n, "values", 1, what);
        if (!vals || !is_seq(L, vals, "empirical values"))
            break;
        if (vals->n == 0) {
            err(L, vals->pos, "bad-dist", NULL, "%s: empirical needs at least one value", what);
            break;
        }
        d->values = cc_arena_array(L->a, vals->n, sizeof *d->values);
        if (!d->values) {
            nomem(L);
            break;
        }
        for (size_t i = 0; i < vals->n; i++)
            if (duration_node(L, vals->items[i], &a, what))
                d->values[d->nvalues++] = (double)a;
        break;
    }
    }
}

/* ---- sections ---------------------------------------------------------------------- */

/* Iterates a top-level list section: returns the sequence or NULL. */
static cc_ynode *section(ld *L, const cc_ynode *root, const char *key, int required)
{
    cc_ynode *n = field(L, root, key, required, "scenario");
    if (!n)
        return NULL;
    if (!is_seq(L, n, key))
        return NULL;
    return n;
}

static void *alloc_items(ld *L, size_t n, size_t size)
{
    void *p = cc_arena_array(L->a, n ? n : 1, size);
    if (!p)
        nomem(L);
    return p;
}

/* exercise 'languages' and 'authoritative_language': checked first, for every text after. */
static void load_languages(ld *L, const cc_ynode *ex)
{
    cc_scenario *s = L->s;
    cc_ynode *ln = field(L, ex, "languages", 0, "exercise");
    cc_strs lg = get_strs(L, ex, "languages", 0, 0, "exercise");
    size_t n = 0;
    for (size_t i = 0; i < lg.n; i++) {
        const char *why = NULL;
        if (!cc_lang_tag_ok(lg.v[i]))
            why = "is not a BCP 47 language tag (such as en, ko, pt-BR, zh-Hant)";
        else if (lang_index(L, lg.v[i]) >= 0)
            why = "is declared twice";
        else if (n == CC_LANG_MAX)
            why = "is one language too many (at most 8)";
        if (why) {
            err(L, lg.pos[i], "bad-language", NULL, "exercise 'languages': '%s' %s", lg.v[i], why);
            continue;
        }
        lg.v[n] = lg.v[i];
        lg.pos[n++] = lg.pos[i];
        s->languages = (cc_strs){lg.v, lg.pos, n};
    }
    if (ln && lg.n == 0 && ln->kind == CC_Y_SEQ)
        err(L, ln->pos, "bad-language", "leave 'languages' out for a scenario in one language",
            "exercise 'languages' is empty");
    if (ln)
        s->languages_pos = ln->pos;
    cc_pos ap;
    const char *auth = get_str(L, ex, "authoritative_language", 0, "exercise");
    cc_ynode *an = cc_ytree_get(ex, "authoritative_language");
    ap = an ? an->pos : ex->pos;
    if (auth && !s->languages.n)
        err(L, ap, "bad-language", "declare the languages: exercise 'languages: [en, ko]'",
            "exercise 'authoritative_language' needs exercise 'languages'");
    else if (auth && lang_index(L, auth) < 0)
        err(L, ap, "bad-language", NULL, "exercise 'authoritative_language': '%s' is not one of 'languages'",
            auth);
    else if (auth)
        s->authoritative = lang_index(L, auth);
}

static void load_exercise(ld *L, const cc_ynode *root)
{
    cc_scenario *s = L->s;
    cc_ynode *ex = field(L, root, "exercise", 1, "scenario");
    s->duration_s = 72 * 3600;
    s->default_mechanism_index = -1;
    if (!ex || !is_map(L, ex, "exercise"))
        return;
    static const char *const keys[] = {"id",
                                       "title",
                                       "description",
                                       "start",
                                       "zone",
                                       "duration",
                                       "default_mechanism",
                                       "phases",
                                       "control_bypass",
                                       "endorsers",
                                       "scope",
                                       "mission_areas",
                                       "sponsor",
                                       "organisations",
                                       "contacts",
                                       "languages",
                                       "authoritative_language",
                                       NULL};
    check_keys(L, ex, "exercise", keys);
    load_languages(L, ex);
    cc_ld_load_overview(L, ex);
    s->control_bypass = get_bool(L, ex, "control_bypass", 0, "exercise") != 0;
    s->endorsers = get_strs(L, ex, "endorsers", 0, 1, "exercise");
    s->id = get_id(L, ex, "id", 1, "exercise", NULL);
    s->title = get_text(L, ex, "title", 1, "exercise");
    s->description = get_text(L, ex, "description", 0, "exercise");
    cc_ynode *st = field(L, ex, "start", 1, "exercise");
    if (st && scalar(L, st, "exercise 'start'")) {
        cc_time_error te = {0};
        if (cc_rfc3339_parse(st->text, st->len, &s->start_unix, &s->start_offset, &te) != CC_OK) {
            cc_pos p = st->pos;
            p.col += (st->style == CC_YS_QUOTED) + (te.col > 0 ? te.col - 1 : 0);
            err(L, p, "bad-time", te.hint[0] ? te.hint : NULL, "exercise 'start': %s", te.message);
        }
    }
    s->zone_name = get_str(L, ex, "zone", 0, "exercise");
    if (!s->zone_name)
        s->zone_name = "UTC";
    const char *why = NULL;
    if (cc_tzdb_load(L->tzdir, s->zone_name, &s->zone, &why) != CC_OK) {
        cc_ynode *z = cc_ytree_get(ex, "zone");
        err(L, z ? z->pos : ex->pos, "bad-zone", "use an IANA name such as Asia/Seoul",
            "exercise 'zone': unknown time zone '%s' (%s)", s->zone_name, why ? why : "");
        s->zone = NULL;
    }
    if (cc_ytree_get(ex, "duration")) {
        if (get_duration(L, ex, "duration", 0, &s->duration_s, "exercise") && s->duration_s <= 0)
            err(L, cc_ytree_get(ex, "duration")->pos, "range", NULL, "exercise 'duration' must be positive");
    }
    s->default_mechanism = get_id(L, ex, "default_mechanism", 0, "exercise", &s->default_mechanism_pos);
    cc_ynode *ph = field(L, ex, "phases", 0, "exercise");
    if (ph && is_seq(L, ph, "exercise 'phases'")) {
        s->phases = alloc_items(L, ph->n, sizeof *s->phases);
        for (size_t i = 0; s->phases && i < ph->n; i++) {
            cc_ynode *p = ph->items[i];
            if (!is_map(L, p, "phase"))
                continue;
            static const char *const pk[] = {"id", "title", "at", NULL};
            check_keys(L, p, "phase", pk);
            cc_phase *f = &s->phases[s->nphases++];
            f->pos = p->pos;
            f->id = get_id(L, p, "id", 1, "phase", NULL);
            f->title = get_text(L, p, "title", 0, "phase");
            cc_pos tp;
            if (!cc_ytree_get(p, "at"))
                err(L, p->pos, "missing", NULL, "phase is missing required key 'at'");
            else
                get_time(L, p, "at", &f->at_s, &tp, "phase");
        }
    }
}

static void load_policy(ld *L, const cc_ynode *root)
{
    cc_scenario *s = L->s;
    cc_ynode *lp = field(L, root, "label_policy", 1, "scenario");
    if (!lp || !is_map(L, lp, "label_policy"))
        return;
    static const char *const keys[] = {"id", "classifications", "caveats", "groups", NULL};
    check_keys(L, lp, "label_policy", keys);
    s->policy_id = get_id(L, lp, "id", 1, "label_policy", NULL);
    if (!s->policy_id)
        return;
    if (cc_label_policy_new(s->policy_id, &s->policy) != CC_OK) {
        nomem(L);
        return;
    }
    cc_ynode *cl = field(L, lp, "classifications", 1, "label_policy");
    if (cl && is_seq(L, cl, "label_policy 'classifications'")) {
        if (cl->n == 0)
            err(L, cl->pos, "empty", NULL, "label_policy needs at least one classification");
        s->class_display = alloc_items(L, cl->n, sizeof *s->class_display);
        s->nclass_display = s->class_display ? cl->n : 0;
        for (size_t i = 0; i < cl->n; i++) {
            cc_ynode *c = cl->items[i];
            if (!is_map(L, c, "classification"))
                continue;
            static const char *const ck[] = {"name", "short", "style", "display", NULL};
            check_keys(L, c, "classification", ck);
            const char *name = get_str(L, c, "name", 1, "classification");
            const char *sh = get_str(L, c, "short", 1, "classification");
            int style = cc_ytree_get(c, "style")
                            ? get_enum(L, c, "style", 0, cc_label_style_names, -1, "classification", NULL)
                            : -1;
            const char *why = NULL;
            size_t before = cc_label_policy_nclasses(s->policy);
            if (name && sh && cc_label_policy_add_class(s->policy, name, sh, &why) != CC_OK)
                err(L, c->pos, "bad-policy", NULL, "classification '%s': %s", name, why ? why : "invalid");
            else if (name && sh && style >= 0)
                cc_label_policy_set_class_style(s->policy, (int)cc_label_policy_nclasses(s->policy) - 1,
                                                (cc_label_style)style);
            const char *display = get_text(L, c, "display", 0, "classification");
            if (display && cc_label_policy_nclasses(s->policy) > before && before < s->nclass_display)
                s->class_display[before] = display;
        }
    }
    cc_strs cav = get_strs(L, lp, "caveats", 0, 0, "label_policy");
    for (size_t i = 0; i < cav.n; i++) {
        const char *why = NULL;
        if (cc_label_policy_add_caveat(s->policy, cav.v[i], &why) != CC_OK)
            err(L, cav.pos[i], "bad-policy", NULL, "caveat '%s': %s", cav.v[i], why ? why : "invalid");
    }
}

/* A party's public keys: C2SP verifier key texts, each parsed here (at most one of each type);
 * that each is named after the party is checked once the id is known (cc_scenario_check). */
static void get_party_keys(ld *L, const cc_ynode *p, cc_party *P)
{
    P->keys = get_strs(L, p, "keys", 0, 0, "party");
    int have[256] = {0};
    for (size_t k = 0; k < P->keys.n; k++) {
        cc_note_verifier *v = NULL;
        cc_note_error ne;
        if (cc_note_verifier_parse(P->keys.v[k], strlen(P->keys.v[k]), &v, &ne) != CC_OK) {
            err(L, P->keys.pos[k], "bad-key",
                "write a verifier key as caucus keygen prints it (NAME+KEYID+BASE64)", "party key: %s",
                ne.message);
            continue;
        }
        int t = (int)cc_note_verifier_type(v);
        if (have[t]++)
            err(L, P->keys.pos[k], "bad-key",
                "a party holds one note key (endorsements) and one cosigner key", "party has a second %s key",
                t == CC_NOTE_KEY_NOTE ? "note" : "cosigner");
        cc_note_verifier_free(v);
    }
}

static int has_non_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return 1;
    return 0;
}

static void get_workhours(ld *L, const cc_ynode *map, cc_workhours *wh, const char *what)
{
    wh->days = 0x1F;
    wh->start_min = 9 * 60;
    wh->end_min = 17 * 60;
    cc_ynode *n = field(L, map, "working_hours", 0, what);
    if (!n || !is_map(L, n, "working_hours"))
        return;
    static const char *const keys[] = {"days", "start", "end", NULL};
    check_keys(L, n, "working_hours", keys);
    static const char *const days[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun", NULL};
    cc_ynode *dn = field(L, n, "days", 1, "working_hours");
    if (dn && is_seq(L, dn, "working_hours 'days'")) {
        wh->days = 0;
        for (size_t i = 0; i < dn->n; i++) {
            const char *d = scalar(L, dn->items[i], "working_hours day");
            if (!d)
                continue;
            int k = -1;
            for (int j = 0; j < 7; j++)
                if (strcmp(d, days[j]) == 0)
                    k = j;
            if (k < 0) {
                const char *sug = cc_suggest(d, days, 7);
                char hint[64];
                snprintf(hint, sizeof hint, "did you mean '%s'?", sug ? sug : "mon");
                err(L, dn->items[i]->pos, "bad-value", hint,
                    "unknown day '%s'; use mon, tue, wed, thu, fri, sat, sun", d);
            } else if (wh->days & (1u << k)) {
                err(L, dn->items[i]->pos, "duplicate", NULL, "day '%s' listed twice", d);
            } else {
                wh->days |= (uint8_t)(1u << k);
            }
        }
    }
    int v[2] = {wh->start_min, wh->end_min};
    const char *k2[2] = {"start", "end"};
    int ok = 1;
    for (int i = 0; i < 2; i++) {
        cc_ynode *t = field(L, n, k2[i], 1, "working_hours");
        if (!t || !scalar(L, t, "working_hours time")) {
            ok = 0;
            continue;
        }
        cc_time_error te = {0};
        if (cc_clock_parse(t->text, t->len, &v[i], &te) != CC_OK) {
            cc_pos p = t->pos;
            p.col += (t->style == CC_YS_QUOTED) + (te.col > 0 ? te.col - 1 : 0);
            err(L, p, "bad-time", te.hint[0] ? te.hint : NULL, "working_hours '%s': %s", k2[i], te.message);
            ok = 0;
        }
    }
    if (ok && v[0] >= v[1]) {
        err(L, cc_ytree_get(n, "end")->pos, "bad-time", NULL, "working_hours 'end' must be after 'start'");
        return;
    }
    wh->start_min = (int16_t)v[0];
    wh->end_min = (int16_t)v[1];
}

/* A seat's duty: office (the party's working hours and holidays), watch (around the clock), or a
 * map: {on_call: DURATION} (around the clock, a task outside office hours waits for the
 * call-out), {working_hours: {...}} (office hours of its own), or both. */
/* A seat's 'capacity' (docs/scenario-format.md, "Capacity"): a whole number 1..10000, on a seat
 * its agent plays (the need for an agent is checked here, where the key's position is). */
static void get_capacity(ld *L, const cc_ynode *n, cc_seat *S)
{
    cc_ynode *c = cc_ytree_get(n, "capacity");
    if (!c)
        return;
    S->capacity_pos = c->pos;
    double v = 0;
    char what[96];
    snprintf(what, sizeof what, "seat '%s':", S->id ? S->id : "?");
    if (!get_number(L, n, "capacity", 1, 1, 10000, &v, what))
        return;
    if (v != floor(v)) {
        err(L, c->pos, "type", NULL, "seat '%s': 'capacity' must be a whole number of items, not %g",
            S->id ? S->id : "?", v);
        return;
    }
    if (!S->agent) {
        err(L, c->pos, "bad-capacity", "give the seat an 'agent', or remove 'capacity'",
            "seat '%s': 'capacity' limits the items an agent works on at once; the seat has no agent",
            S->id ? S->id : "?");
        return;
    }
    S->capacity = (uint32_t)v;
}

static void get_duty(ld *L, const cc_ynode *n, cc_seat *S)
{
    cc_ynode *d = field(L, n, "duty", 0, "seat");
    if (!d)
        return;
    S->has_duty = true;
    S->duty_pos = d->pos;
    S->duty = CC_DUTY_OFFICE;
    if (d->kind == CC_Y_SCALAR) {
        const char *v = scalar(L, d, "seat 'duty'");
        static const char *const kinds[] = {"office", "watch", NULL};
        if (v && strcmp(v, "watch") == 0)
            S->duty = CC_DUTY_WATCH;
        else if (v && strcmp(v, "office") != 0) {
            const char *sug = cc_suggest(v, kinds, 2);
            char hint[96];
            snprintf(hint, sizeof hint, "did you mean '%s'? (or a map: {on_call: 30m})", sug ? sug : "office");
            err(L, d->pos, "bad-value", hint, "seat 'duty' must be office, watch or a map, not '%s'", v);
        }
        return;
    }
    if (!is_map(L, d, "seat 'duty'"))
        return;
    static const char *const keys[] = {"on_call", "working_hours", NULL};
    check_keys(L, d, "duty", keys);
    if (cc_ytree_get(d, "working_hours")) {
        S->own_hours = true;
        get_workhours(L, d, &S->hours, "duty");
    }
    if (cc_ytree_get(d, "on_call")) {
        S->duty = CC_DUTY_ON_CALL;
        get_duration(L, d, "on_call", 1, &S->callout_s, "duty");
    } else if (!S->own_hours) {
        err(L, d->pos, "missing", "give on_call: DURATION or working_hours: {...}",
            "seat 'duty' map needs 'on_call' or 'working_hours'");
    }
}

static int day_cmp(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* A party's public holidays: local dates YYYY-MM-DD, closed all day for its office hours. */
static void get_holidays(ld *L, const cc_ynode *p, cc_party *P)
{
    cc_ynode *n = field(L, p, "holidays", 0, "party");
    if (!n || !is_seq(L, n, "party 'holidays'"))
        return;
    P->holidays = n->n ? alloc_items(L, n->n, sizeof *P->holidays) : NULL;
    for (size_t i = 0; P->holidays && i < n->n; i++) {
        const char *d = scalar(L, n->items[i], "holiday");
        if (!d)
            continue;
        unsigned y, m, dd;
        char end;
        int ok = strlen(d) == 10 && sscanf(d, "%4u-%2u-%2u%c", &y, &m, &dd, &end) == 3 && d[4] == '-' &&
                 d[7] == '-' && y >= 1970 && y <= 9999 && m >= 1 && m <= 12 && dd >= 1 && dd <= 31;
        if (ok) {
            int64_t day = cc_days_from_civil(y, m, dd);
            int64_t cy;
            unsigned cm, cd;
            cc_civil_from_days(day, &cy, &cm, &cd);
            ok = cm == m && cd == dd; /* 2026-02-30 is no date */
            if (ok) {
                P->holidays[P->nholidays++] = (int32_t)day;
                continue;
            }
        }
        err(L, n->items[i]->pos, "bad-date", "write the local date as YYYY-MM-DD, e.g. 2026-12-25",
            "holiday '%s' is not a date", d);
    }
    if (!P->holidays)
        return;
    qsort(P->holidays, P->nholidays, sizeof *P->holidays, day_cmp);
    for (size_t i = 1; i < P->nholidays; i++)
        if (P->holidays[i] == P->holidays[i - 1]) {
            int64_t y;
            unsigned m, dd;
            cc_civil_from_days(P->holidays[i], &y, &m, &dd);
            err(L, n->pos, "duplicate", NULL, "holiday %04lld-%02u-%02u is listed twice", (long long)y, m, dd);
        }
}

/* A party id of its kind: a nation's an ISO 3166-1 alpha-3 code, an organisation's 2-16
 * upper-case letters or digits, and neither with a look-alike letter. 1, or 0 reported. */
static int party_id_ok(ld *L, const cc_party *P, const cc_ynode *idn, const char *id)
{
    if (has_non_ascii(id)) {
        err(L, idn->pos, "bad-party", "a letter may be a look-alike from another alphabet (e.g. Cyrillic)",
            "party id '%s' contains a non-ASCII character", id);
        return 0;
    }
    if (P->kind == CC_PARTY_NATION) {
        if (!cc_iso3166_nation(id)) {
            err(L, idn->pos, "bad-party",
                "nations use ISO 3166-1 alpha-3 codes such as USA or KOR, or for a fictional nation a "
                "user-assigned code (AAA-AAZ, QMA-QZZ, XAA-XZZ, ZZA-ZZZ); use kind: organisation otherwise",
                "party id '%s' is not an ISO 3166-1 alpha-3 country code", id);
            return 0;
        }
    } else {
        size_t n = strlen(id);
        int ok = n >= 2 && n <= 16;
        for (size_t k = 0; k < n; k++)
            ok &= (id[k] >= 'A' && id[k] <= 'Z') || (id[k] >= '0' && id[k] <= '9');
        if (!ok) {
            err(L, idn->pos, "bad-party", NULL,
                "organisation id '%s' must be 2-16 upper-case letters or digits", id);
            return 0;
        }
    }
    return 1;
}

/* The party P (id id) registered with the label policy, or checked against the parties before
 * it: P->id cleared on a duplicate (reported). */
static void register_party(ld *L, cc_party *P, const cc_ynode *idn, const char *id)
{
    cc_scenario *s = L->s;
    P->id = id;
    if (s->policy) {
        const char *why = NULL;
        cc_err rc = cc_label_policy_add_party(s->policy, id, &why);
        if (rc != CC_OK) {
            if (why && strstr(why, "duplicate"))
                err(L, idn->pos, "duplicate-id", NULL, "duplicate party id '%s'", id);
            else
                err(L, idn->pos, rc == CC_ERR_LIMIT ? "limit" : "bad-party", NULL, "party '%s': %s", id,
                    why ? why : "invalid");
            P->id = NULL;
        }
    } else {
        for (size_t k = 0; k < s->nparties; k++)
            if (s->parties[k].id && strcmp(s->parties[k].id, id) == 0) {
                err(L, idn->pos, "duplicate", NULL, "duplicate party id '%s'", id);
                P->id = NULL;
            }
    }
}

/* label_policy.groups: they live in the label policy and need the parties. */
static void load_groups(ld *L, const cc_ynode *root)
{
    cc_scenario *s = L->s;
    cc_ynode *lp = cc_ytree_get(root, "label_policy");
    cc_ynode *g = lp && lp->kind == CC_Y_MAP ? field(L, lp, "groups", 0, "label_policy") : NULL;
    if (!g || !is_map(L, g, "label_policy 'groups'"))
        return;
    s->groups = alloc_items(L, g->n, sizeof *s->groups);
    for (size_t i = 0; s->groups && i < g->n; i++) {
        cc_ynode *k = g->items[2 * i], *v = g->items[2 * i + 1];
        cc_group *G = &s->groups[s->ngroups];
        G->id = k->text;
        G->pos = k->pos;
        if (!is_seq(L, v, "group members"))
            continue;
        G->members.v = cc_arena_array(L->a, v->n ? v->n : 1, sizeof(char *));
        G->members.pos = cc_arena_array(L->a, v->n ? v->n : 1, sizeof(cc_pos));
        if (!G->members.v || !G->members.pos) {
            nomem(L);
            return;
        }
        int bad = 0;
        for (size_t j = 0; j < v->n; j++) {
            const char *m = scalar(L, v->items[j], "group member");
            if (!m) {
                bad = 1;
                continue;
            }
            if (party_index(L, m) < 0) {
                err(L, v->items[j]->pos, "unknown-party", NULL,
                    "group '%s': '%s' is not a party of this scenario", G->id, m);
                bad = 1;
                continue;
            }
            G->members.pos[G->members.n] = v->items[j]->pos;
            G->members.v[G->members.n++] = m;
        }
        if (bad || !s->policy)
            continue;
        const char *why = NULL;
        if (cc_label_policy_add_group(s->policy, G->id, G->members.v, G->members.n, &why) != CC_OK) {
            err(L, k->pos, "bad-group", NULL, "group '%s': %s", G->id, why ? why : "invalid");
            continue;
        }
        s->ngroups++;
    }
}

static void load_parties(ld *L, const cc_ynode *root)
{
    cc_scenario *s = L->s;
    cc_ynode *sec = section(L, root, "parties", 1);
    if (!sec)
        return;
    if (sec->n == 0)
        err(L, sec->pos, "empty", NULL, "scenario needs at least one party");
    s->parties = alloc_items(L, sec->n, sizeof *s->parties);
    static const char *const kinds[] = {"nation", "organisation", NULL};
    for (size_t i = 0; s->parties && i < sec->n; i++) {
        cc_ynode *p = sec->items[i];
        if (!is_map(L, p, "party"))
            continue;
        static const char *const keys[] = {"id",       "name", "kind", "zone", "working_hours",
                                           "holidays", "keys", NULL};
        check_keys(L, p, "party", keys);
        cc_party *P = &s->parties[s->nparties];
        P->pos = p->pos;
        get_holidays(L, p, P);
        get_party_keys(L, p, P);
        P->kind = (cc_party_kind)get_enum(L, p, "kind", 0, kinds, 0, "party", NULL);
        cc_ynode *idn = field(L, p, "id", 1, "party");
        const char *id = scalar(L, idn, "party 'id'");
        P->name = get_text(L, p, "name", 1, "party");
        P->zone_name = get_str(L, p, "zone", 1, "party");
        get_workhours(L, p, &P->hours, "party");
        if (P->zone_name) {
            cc_ynode *zn = cc_ytree_get(p, "zone");
            P->zone_pos = zn->pos;
            const char *why = NULL;
            if (cc_tzdb_load(L->tzdir, P->zone_name, &P->zone, &why) != CC_OK) {
                P->zone = NULL;
                err(L, zn->pos, "bad-zone", "use an IANA name such as America/New_York",
                    "party '%s': unknown time zone '%s' (%s)", id ? id : "?", P->zone_name, why ? why : "");
            }
        }
        if (!id || !party_id_ok(L, P, idn, id))
            goto reject;
        register_party(L, P, idn, id);
        if (P->id) {
            s->nparties++;
            continue;
        }
    reject:
        cc_zone_free(P->zone);
        memset(P, 0, sizeof *P);
    }
    load_groups(L, root);
}

static void load_cells(ld *L, const cc_ynode *root)
{
    cc_scenario *s = L->s;
    s->control_cell = -1;
    cc_ynode *sec = section(L, root, "cells", 0);
    if (!sec)
        return;
    s->cells = alloc_items(L, sec->n, sizeof *s->cells);
    static const char *const kinds[] = {"cell", "workstream", "control", NULL};
    for (size_t i = 0; s->cells && i < sec->n; i++) {
        cc_ynode *c = sec->items[i];
        if (!is_map(L, c, "cell"))
            continue;
        static const char *const keys[] = {"id", "name", "kind", "description", NULL};
        check_keys(L, c, "cell", keys);
        cc_cell *C = &s->cells[s->ncells++];
        C->pos = c->pos;
        C->id = get_id(L, c, "id", 1, "cell", NULL);
        C->name = get_text(L, c, "name", 1, "cell");
        C->description = get_text(L, c, "description", 0, "cell");
        cc_pos kp;
        C->kind = (cc_cell_kind)get_enum(L, c, "kind", 0, kinds, 0, "cell", &kp);
        if (C->kind == CC_CELL_CONTROL) {
            if (s->control_cell >= 0)
                err(L, kp, "duplicate-control", NULL,
                    "a scenario has at most one control cell (the first is '%s')",
                    s->cells[s->control_cell].id ? s->cells[s->control_cell].id : "?");
            else
                s->control_cell = (int)(s->ncells - 1);
        }
    }
}

static void load_seats(ld *L, const cc_ynode *root)
{
    cc_scenario *s = L->s;
    cc_ynode *sec = section(L, root, "seats", 1);
    if (!sec)
        return;
    if (sec->n == 0)
        err(L, sec->pos, "empty", NULL, "scenario needs at least one seat");
    s->seats = alloc_items(L, sec->n, sizeof *s->seats);
    for (size_t i = 0; s->seats && i < sec->n; i++) {
        cc_ynode *n = sec->items[i];
        if (!is_map(L, n, "seat"))
            continue;
        static const char *const keys[] = {"id",    "party", "role", "clearance", "caveats", "cells",
                                           "agent", "duty",  "kind", "capacity",  NULL};
        check_keys(L, n, "seat", keys);
        cc_seat *S = &s->seats[s->nseats++];
        cc_ld_load_seat_kind(L, n, S);
        S->pos = n->pos;
        S->id = get_id(L, n, "id", 1, "seat", NULL);
        S->role = get_text(L, n, "role", 1, "seat");
        S->party = get_str(L, n, "party", 1, "seat");
        S->party_index = -1;
        S->agent_index = -1;
        S->clearance.cls = -1;
        S->clearance.party = -1;
        if (S->party) {
            S->party_pos = cc_ytree_get(n, "party")->pos;
            S->party_index = party_index(L, S->party);
        }
        S->clearance_name = get_str(L, n, "clearance", 1, "seat");
        if (S->clearance_name)
            S->clearance_pos = cc_ytree_get(n, "clearance")->pos;
        S->caveats = get_strs(L, n, "caveats", 0, 0, "seat");
        S->cells = get_strs(L, n, "cells", 0, 1, "seat");
        S->agent = get_id(L, n, "agent", 0, "seat", &S->agent_pos);
        get_duty(L, n, S);
        get_capacity(L, n, S);
        if (!s->policy)
            continue;
        S->clearance.policy_hash = cc_label_policy_hash(s->policy);
        S->clearance.party = (int16_t)S->party_index;
        if (S->clearance_name) {
            int r = cc_label_policy_class(s->policy, S->clearance_name);
            if (r < 0) {
                size_t nc = cc_label_policy_nclasses(s->policy);
                const char *names[2 * CC_LABEL_MAX_CLASSES];
                for (size_t k = 0; k < nc; k++) {
                    names[2 * k] = cc_label_policy_class_name(s->policy, (int)k);
                    names[2 * k + 1] = cc_label_policy_class_short(s->policy, (int)k);
                }
                const char *sug = cc_suggest(S->clearance_name, names, 2 * nc);
                char hint[120];
                if (sug)
                    snprintf(hint, sizeof hint, "did you mean '%s'?", sug);
                err(L, S->clearance_pos, "unknown-classification", sug ? hint : NULL,
                    "seat '%s': unknown clearance '%s'", S->id ? S->id : "?", S->clearance_name);
            }
            S->clearance.cls = (int16_t)r;
        }
        for (size_t k = 0; k < S->caveats.n; k++) {
            int c = cc_label_policy_caveat(s->policy, S->caveats.v[k]);
            if (c < 0)
                err(L, S->caveats.pos[k], "unknown-caveat", NULL, "seat '%s': unknown caveat '%s'",
                    S->id ? S->id : "?", S->caveats.v[k]);
            else
                S->clearance.caveats |= (uint64_t)1 << c;
        }
    }
}

static void load_objectives(ld *L, const cc_ynode *root)
{
    cc_scenario *s = L->s;
    cc_ynode *sec = section(L, root, "objectives", 0);
    if (!sec)
        return;
    s->objectives = alloc_items(L, sec->n, sizeof *s->objectives);
    for (size_t i = 0; s->objectives && i < sec->n; i++) {
        cc_ynode *n = sec->items[i];
        if (!is_map(L, n, "objective"))
            continue;
        static const char *const keys[] = {"id", "title", "capability", "description", NULL};
        check_keys(L, n, "objective", keys);
        cc_objective *O = &s->objectives[s->nobjectives++];
        O->pos = n->pos;
        O->id = get_id(L, n, "id", 1, "objective", NULL);
        O->title = get_text(L, n, "title", 1, "objective");
        O->capability = get_text(L, n, "capability", 0, "objective");
        O->description = get_text(L, n, "description", 0, "objective");
    }
}

static int seat_party(ld *L, const char *seat)
{
    int si = cc_scenario_seat_index(L->s, seat);
    return si >= 0 ? L->s->seats[si].party_index : -1;
}

static void load_injects(ld *L, const cc_ynode *root)
{
    cc_scenario *s = L->s;
    cc_ynode *sec = section(L, root, "injects", 0);
    if (!sec)
        return;
    s->injects = alloc_items(L, sec->n, sizeof *s->injects);
    for (size_t i = 0; s->injects && i < sec->n; i++) {
        cc_ynode *n = sec->items[i];
        if (!is_map(L, n, "inject"))
            continue;
        check_keys(L, n, "inject", cc_inject_keys);
        cc_inject *I = &s->injects[s->ninjects++];
        I->pos = n->pos;
        I->from_index = -1;
        I->id = get_id(L, n, "id", 1, "inject", NULL);
        I->title = get_text(L, n, "title", 1, "inject");
        I->body = get_text(L, n, "body", 0, "inject");
        I->notes = get_text(L, n, "notes", 0, "inject");
        I->from = get_str(L, n, "from", 1, "inject");
        if (I->from)
            I->from_pos = cc_ytree_get(n, "from")->pos;
        I->originator = get_str(L, n, "originator", 0, "inject");
        int orig = cc_scenario_inject_originator(s, I->from, I->originator);
        if (I->originator) {
            I->originator_pos = cc_ytree_get(n, "originator")->pos;
            if (orig < 0)
                err(L, I->originator_pos, "unknown-party", NULL,
                    "inject originator '%s' is not a party of this scenario", I->originator);
        }
        I->to = get_refs(L, n, "to", 1, "inject");
        I->channel = (cc_channel)get_enum(L, n, "channel", 0, cc_channel_names, CC_CH_MESSAGE, "inject", NULL);
        I->classes = get_strs(L, n, "class", 0, 1, "inject");
        I->expected_actions = get_texts(L, n, "expected_actions", "inject");
        I->objectives = get_strs(L, n, "objectives", 0, 1, "inject");
        get_label(L, n, "label", orig, &I->label, "inject");
        get_when(L, n, &I->when, 1, "inject");
    }
}

static void load_decisions(ld *L, const cc_ynode *root)
{
    cc_scenario *s = L->s;
    cc_ynode *sec = section(L, root, "decisions", 0);
    if (!sec)
        return;
    s->decisions = alloc_items(L, sec->n, sizeof *s->decisions);
    for (size_t i = 0; s->decisions && i < sec->n; i++) {
        cc_ynode *n = sec->items[i];
        if (!is_map(L, n, "decision"))
            continue;
        static const char *const keys[] = {"id",       "question",   "label", "options", "proposals",
                                           "deciders", "rule",       "lead",  "at",      "trigger",
                                           "deadline", "objectives", NULL};
        check_keys(L, n, "decision", keys);
        cc_decision *D = &s->decisions[s->ndecisions++];
        D->pos = n->pos;
        D->lead_index = -1;
        D->id = get_id(L, n, "id", 1, "decision", NULL);
        D->question = get_text(L, n, "question", 1, "decision");
        D->deciders = get_refs(L, n, "deciders", 1, "decision");
        D->rule = (cc_rule)get_enum(L, n, "rule", 1, cc_rule_names, 0, "decision", &D->rule_pos);
        D->lead = get_id(L, n, "lead", 0, "decision", &D->lead_pos);
        D->proposals = get_bool(L, n, "proposals", 0, "decision");
        D->objectives = get_strs(L, n, "objectives", 0, 1, "decision");
        if (cc_ytree_get(n, "deadline"))
            D->has_deadline = get_duration(L, n, "deadline", 0, &D->deadline_s, "decision");
        /* a decision's label originator: the party of its first seat decider */
        int orig = -1;
        for (size_t k = 0; k < D->deciders.n && orig < 0; k++)
            if (D->deciders.v[k].kind == CC_REF_SEAT)
                orig = seat_party(L, D->deciders.v[k].name);
        get_label(L, n, "label", orig, &D->label, "decision");
        get_when(L, n, &D->when, 1, "decision");
        cc_ynode *on = field(L, n, "options", 0, "decision");
        if (on && is_seq(L, on, "decision 'options'")) {
            D->options = alloc_items(L, on->n, sizeof *D->options);
            for (size_t k = 0; D->options && k < on->n; k++) {
                cc_ynode *o = on->items[k];
                if (!is_map(L, o, "option"))
                    continue;
                static const char *const ok[] = {"id", "text", NULL};
                check_keys(L, o, "option", ok);
                cc_option *O = &D->options[D->noptions++];
                O->pos = o->pos;
                O->id = get_id(L, o, "id", 1, "option", NULL);
                O->text = get_text(L, o, "text", 1, "option");
            }
        }
    }
}

/* A stage's review rounds: {max: N, revision: DURATION|DISTRIBUTION}. In a round every
 * participant approves (acknowledges) or objects; the objectors of a round review again in the
 * next, after the revision delay, until a round without objection or the last round. */
static void get_rounds(ld *L, const cc_ynode *rn, cc_stage *S)
{
    S->rounds_pos = rn->pos;
    if (!is_map(L, rn, "stage 'rounds'"))
        return;
    static const char *const keys[] = {"max", "revision", NULL};
    check_keys(L, rn, "rounds", keys);
    double max = 0;
    if (get_number(L, rn, "max", 1, 1, 100, &max, "rounds")) {
        if (max != floor(max))
            err(L, cc_ytree_get(rn, "max")->pos, "type", NULL, "rounds 'max' must be a whole number, not %g",
                max);
        else
            S->max_rounds = (int)max;
    }
    cc_ynode *rv = field(L, rn, "revision", 0, "rounds");
    if (rv)
        get_dist(L, rv, &S->revision, "rounds 'revision'");
    const char *id = S->id ? S->id : "?";
    if (S->kind == CC_STAGE_DECIDE || S->kind == CC_STAGE_NOTIFY)
        err(L, rn->pos, "bad-stage", "use rounds on an assess, acknowledge, positions or custom stage",
            "stage '%s': a %s stage has no review rounds", id, cc_stage_kind_name(S->kind));
    else if (S->mode == CC_MODE_ANY)
        err(L, rn->pos, "bad-stage", "use mode all or sequential",
            "stage '%s': review rounds need every participant to review (mode all or sequential), not mode "
            "any",
            id);
}

/* A silence procedure's 'adopt' (an option id, checked against each linked decision by
 * scenario_check) and 'on_objection' (vote, fail, or the id of an earlier stage). */
static void get_silence(ld *L, const cc_ynode *g, cc_stage *S)
{
    S->on_objection_index = -1;
    S->adopt = get_id(L, g, "adopt", 0, "stage", &S->adopt_pos);
    const char *on = get_id(L, g, "on_objection", 0, "stage", &S->on_objection_pos);
    if (on && strcmp(on, "vote") == 0) {
        S->on_objection = CC_OBJ_VOTE;
    } else if (on && strcmp(on, "fail") == 0) {
        S->on_objection = CC_OBJ_FAIL;
    } else if (on) {
        S->on_objection = CC_OBJ_RETURN;
        S->on_objection_stage = on;
    }
    int silence = S->kind == CC_STAGE_DECIDE && S->has_rule && S->rule == CC_RULE_SILENCE;
    const char *id = S->id ? S->id : "?";
    if (S->adopt && !silence)
        err(L, S->adopt_pos, "bad-stage", "use 'adopt' on a decide stage with rule: silence",
            "stage '%s': 'adopt' applies only to a silence procedure", id);
    if (on && !silence)
        err(L, S->on_objection_pos, "bad-stage", "use 'on_objection' on a decide stage with rule: silence",
            "stage '%s': 'on_objection' applies only to a silence procedure", id);
}

static void load_mechanisms(ld *L, const cc_ynode *root)
{
    cc_scenario *s = L->s;
    cc_ynode *sec = section(L, root, "mechanisms", 0);
    if (!sec)
        return;
    s->mechanisms = alloc_items(L, sec->n, sizeof *s->mechanisms);
    for (size_t i = 0; s->mechanisms && i < sec->n; i++) {
        cc_ynode *n = sec->items[i];
        if (!is_map(L, n, "mechanism"))
            continue;
        static const char *const keys[] = {"id", "title", "description", "stages", NULL};
        check_keys(L, n, "mechanism", keys);
        cc_mechanism *M = &s->mechanisms[s->nmechanisms++];
        M->pos = n->pos;
        M->id = get_id(L, n, "id", 1, "mechanism", NULL);
        M->title = get_text(L, n, "title", 1, "mechanism");
        M->description = get_text(L, n, "description", 0, "mechanism");
        cc_ynode *st = field(L, n, "stages", 1, "mechanism");
        if (!st || !is_seq(L, st, "mechanism 'stages'"))
            continue;
        if (st->n == 0)
            err(L, st->pos, "empty", NULL, "mechanism '%s' needs at least one stage", M->id ? M->id : "?");
        M->stages = alloc_items(L, st->n, sizeof *M->stages);
        for (size_t k = 0; M->stages && k < st->n; k++) {
            cc_ynode *g = st->items[k];
            if (!is_map(L, g, "stage"))
                continue;
            static const char *const sk[] = {"id",   "kind",     "title",       "participants",
                                             "mode", "deadline", "escalate_to", "rule",
                                             "lead", "rounds",   "adopt",       "on_objection",
                                             NULL};
            check_keys(L, g, "stage", sk);
            cc_stage *S = &M->stages[M->nstages++];
            S->pos = g->pos;
            S->lead_index = -1;
            S->id = get_id(L, g, "id", 1, "stage", NULL);
            S->kind = (cc_stage_kind)get_enum(L, g, "kind", 1, cc_stage_kind_names, CC_STAGE_CUSTOM, "stage", NULL);
            S->title = get_text(L, g, "title", 0, "stage");
            S->participants = get_refs(L, g, "participants", 1, "stage");
            S->mode = (cc_stage_mode)get_enum(L, g, "mode", 0, cc_stage_mode_names, 0, "stage", NULL);
            if (cc_ytree_get(g, "deadline"))
                S->has_deadline = get_duration(L, g, "deadline", 0, &S->deadline_s, "stage");
            S->escalate_to = get_refs(L, g, "escalate_to", 0, "stage");
            if (cc_ytree_get(g, "rule")) {
                S->has_rule = true;
                S->rule = (cc_rule)get_enum(L, g, "rule", 0, cc_rule_names, 0, "stage", &S->rule_pos);
                if (S->kind != CC_STAGE_DECIDE)
                    err(L, S->rule_pos, "bad-stage", "move the rule to the decide stage",
                        "stage '%s': only a decide stage has a decision rule", S->id ? S->id : "?");
            } else if (S->kind == CC_STAGE_DECIDE) {
                err(L, g->pos, "missing", NULL, "decide stage '%s' is missing required key 'rule'",
                    S->id ? S->id : "?");
            }
            S->lead = get_id(L, g, "lead", 0, "stage", &S->lead_pos);
            if (S->escalate_to.n && !S->has_deadline)
                err(L, cc_ytree_key(g, "escalate_to")->pos, "bad-stage", "add a 'deadline'",
                    "stage '%s' escalates but has no deadline", S->id ? S->id : "?");
            cc_ynode *rn = field(L, g, "rounds", 0, "stage");
            if (rn)
                get_rounds(L, rn, S);
            get_silence(L, g, S);
        }
    }
}

static void load_consultations(ld *L, const cc_ynode *root)
{
    cc_scenario *s = L->s;
    cc_ynode *sec = section(L, root, "consultations", 0);
    if (!sec)
        return;
    s->consultations = alloc_items(L, sec->n, sizeof *s->consultations);
    for (size_t i = 0; s->consultations && i < sec->n; i++) {
        cc_ynode *n = sec->items[i];
        if (!is_map(L, n, "consultation"))
            continue;
        static const char *const keys[] = {"id",    "topic", "requested_by", "mechanism", "decision",
                                           "label", "at",    "trigger",      NULL};
        check_keys(L, n, "consultation", keys);
        cc_consultation *C = &s->consultations[s->nconsultations++];
        C->pos = n->pos;
        C->requester_index = C->mechanism_index = C->decision_index = -1;
        C->id = get_id(L, n, "id", 1, "consultation", NULL);
        C->topic = get_text(L, n, "topic", 1, "consultation");
        C->requested_by = get_id(L, n, "requested_by", 1, "consultation", &C->requested_by_pos);
        C->mechanism = get_id(L, n, "mechanism", 0, "consultation", &C->mechanism_pos);
        C->decision = get_id(L, n, "decision", 0, "consultation", &C->decision_pos);
        get_label(L, n, "label", C->requested_by ? seat_party(L, C->requested_by) : -1, &C->label,
                  "consultation");
        get_when(L, n, &C->when, 1, "consultation");
    }
}

static void load_guidelines(ld *L, const cc_ynode *root)
{
    cc_scenario *s = L->s;
    cc_ynode *sec = section(L, root, "guidelines", 0);
    if (!sec)
        return;
    s->guidelines = alloc_items(L, sec->n, sizeof *s->guidelines);
    static const char *const kinds[] = {"stage_deadline", "share", "consult_before_decision", NULL};
    for (size_t i = 0; s->guidelines && i < sec->n; i++) {
        cc_ynode *n = sec->items[i];
        if (!is_map(L, n, "guideline"))
            continue;
        static const char *const keys[] = {"id", "text", "objectives", "rule", NULL};
        check_keys(L, n, "guideline", keys);
        cc_guideline *G = &s->guidelines[s->nguidelines++];
        G->pos = n->pos;
        G->consultation_index = G->decision_index = -1;
        G->id = get_id(L, n, "id", 1, "guideline", NULL);
        G->text = get_text(L, n, "text", 1, "guideline");
        G->objectives = get_strs(L, n, "objectives", 0, 1, "guideline");
        cc_ynode *r = field(L, n, "rule", 0, "guideline");
        if (!r || !is_map(L, r, "guideline 'rule'"))
            continue;
        G->rule_pos = r->pos;
        cc_pos kp;
        int k = get_enum(L, r, "kind", 1, kinds, -1, "rule", &kp);
        G->kind = k < 0 ? CC_GRULE_NONE : (cc_grule_kind)(k + 1);
        static const char *const k_sd[] = {"kind", "stage", "within", "consultation", NULL};
        static const char *const k_sh[] = {"kind", "class", "with", "within", NULL};
        static const char *const k_cb[] = {"kind", "decision", "consultation", NULL};
        switch (G->kind) {
        case CC_GRULE_NONE: /* already reported */ break;
        case CC_GRULE_STAGE_DEADLINE:
            check_keys(L, r, "stage_deadline rule", k_sd);
            G->stage = (cc_stage_kind)get_enum(L, r, "stage", 1, cc_stage_kind_names, 0, "rule", &G->ref_pos);
            get_duration(L, r, "within", 1, &G->within_s, "rule");
            G->consultation = get_id(L, r, "consultation", 0, "rule", &G->ref_pos);
            break;
        case CC_GRULE_SHARE: {
            check_keys(L, r, "share rule", k_sh);
            cc_ynode *cn = field(L, r, "class", 1, "share rule");
            G->inject_class = scalar(L, cn, "share rule 'class'");
            get_duration(L, r, "within", 1, &G->within_s, "rule");
            cc_ynode *w = field(L, r, "with", 1, "share rule");
            if (w)
                parse_ref(L, w, &G->with, "share rule 'with'");
            break;
        }
        case CC_GRULE_CONSULT_BEFORE:
            check_keys(L, r, "consult_before_decision rule", k_cb);
            G->decision = get_id(L, r, "decision", 1, "rule", &G->ref_pos);
            G->consultation = get_id(L, r, "consultation", 0, "rule", NULL);
            break;
        }
    }
}

/* An agent rule's filters: channel and class (on: inject), stage, decision (docs/scenario-format.md). */
static void load_rule_filters(ld *L, cc_ynode *r, cc_agent_rule *R)
{
    if (cc_ytree_get(r, "channel")) {
        R->has_channel = true;
        R->channel = (cc_channel)get_enum(L, r, "channel", 0, cc_channel_names, 0, "agent rule", NULL);
    }
    R->inject_class = get_str(L, r, "class", 0, "agent rule");
    if (cc_ytree_get(r, "stage")) {
        R->has_stage = true;
        R->stage = (cc_stage_kind)get_enum(L, r, "stage", 0, cc_stage_kind_names, 0, "agent rule", NULL);
    }
    R->decision_index = -1;
    R->decision = get_id(L, r, "decision", 0, "agent rule", &R->decision_pos);
    if (R->decision && (R->on == CC_AEV_INJECT || R->on == CC_AEV_MESSAGE))
        err(L, r->pos, "bad-rule", NULL, "'decision' does not apply to on: inject or message");
    if ((R->has_channel || R->inject_class) && R->on != CC_AEV_INJECT)
        err(L, r->pos, "bad-rule", NULL, "'channel' and 'class' filters only apply to on: inject");
    if (R->has_stage && R->on != CC_AEV_STAGE && R->on != CC_AEV_REQUEST && R->on != CC_AEV_WAITING)
        err(L, r->pos, "bad-rule", NULL, "'stage' only applies to on: stage, request and waiting");
}

static void load_agents(ld *L, const cc_ynode *root)
{
    cc_scenario *s = L->s;
    cc_ynode *sec = section(L, root, "agents", 0);
    if (!sec)
        return;
    s->agents = alloc_items(L, sec->n, sizeof *s->agents);
    static const char *const hours[] = {"working", "always", NULL};
    for (size_t i = 0; s->agents && i < sec->n; i++) {
        cc_ynode *n = sec->items[i];
        if (!is_map(L, n, "agent"))
            continue;
        static const char *const keys[] = {"id", "availability", "channel_failure", "retry", "rules", NULL};
        check_keys(L, n, "agent", keys);
        cc_agent *A = &s->agents[s->nagents++];
        A->pos = n->pos;
        A->id = get_id(L, n, "id", 1, "agent", NULL);
        get_number(L, n, "channel_failure", 0, 0, 1, &A->channel_failure, "agent");
        A->retry_max = 1;
        cc_ynode *rt = field(L, n, "retry", 0, "agent");
        if (rt && is_map(L, rt, "agent 'retry'")) {
            static const char *const tk[] = {"after", "max", NULL};
            check_keys(L, rt, "retry", tk);
            cc_ynode *an = field(L, rt, "after", 1, "retry");
            if (an)
                get_dist(L, an, &A->retry_after, "retry 'after'");
            double mx = 0;
            if (get_number(L, rt, "max", 1, 2, 20, &mx, "retry")) {
                if (mx != floor(mx))
                    err(L, cc_ytree_get(rt, "max")->pos, "type", NULL,
                        "retry 'max' must be a whole number, not %g", mx);
                else
                    A->retry_max = (int)mx;
            }
        }
        cc_ynode *av = field(L, n, "availability", 0, "agent");
        if (av && is_map(L, av, "agent 'availability'")) {
            static const char *const ak[] = {"hours", "absence", NULL};
            check_keys(L, av, "availability", ak);
            A->always_available = get_enum(L, av, "hours", 0, hours, 0, "availability", NULL) == 1;
            get_number(L, av, "absence", 0, 0, 1, &A->absence, "availability");
        }
        cc_ynode *rs = field(L, n, "rules", 1, "agent");
        if (!rs || !is_seq(L, rs, "agent 'rules'"))
            continue;
        if (rs->n == 0)
            err(L, rs->pos, "empty", NULL, "agent '%s' needs at least one rule", A->id ? A->id : "?");
        A->rules = alloc_items(L, rs->n, sizeof *A->rules);
        for (size_t k = 0; A->rules && k < rs->n; k++) {
            cc_ynode *r = rs->items[k];
            if (!is_map(L, r, "agent rule"))
                continue;
            static const char *const rk[] = {
                "on", "channel", "class", "stage", "decision", "delay", "delay_in", "probability",
                "do", "option",  "to",    "text",  "approve",  "after", "max",      NULL};
            check_keys(L, r, "agent rule", rk);
            cc_agent_rule *R = &A->rules[A->nrules++];
            R->pos = r->pos;
            R->probability = 1.0;
            R->on = (cc_agent_event)get_enum(L, r, "on", 1, cc_agent_event_names, 0, "agent rule", NULL);
            load_rule_filters(L, r, R);
            cc_ynode *dn = field(L, r, "delay", 0, "agent rule");
            if (dn)
                get_dist(L, dn, &R->delay, "agent rule 'delay'");
            static const char *const clocks[] = {"work", "calendar", NULL};
            R->calendar_delay = get_enum(L, r, "delay_in", 0, clocks, 0, "agent rule", NULL) == 1;
            get_number(L, r, "probability", 0, 0, 1, &R->probability, "agent rule");
            R->action = (cc_agent_action)get_enum(L, r, "do", 1, cc_action_names, 0, "agent rule", NULL);
            R->option = get_id(L, r, "option", R->action == CC_ACT_VOTE, "agent rule", &R->option_pos);
            R->to = get_refs(L, r, "to", R->action == CC_ACT_SHARE, "agent rule");
            R->text = get_str(L, r, "text", 0, "agent rule");
            if (R->action == CC_ACT_REVIEW)
                get_number(L, r, "approve", 1, 0, 1, &R->approve, "agent rule");
            else if (cc_ytree_get(r, "approve"))
                err(L, cc_ytree_key(r, "approve")->pos, "bad-rule", "use do: review",
                    "'approve' only applies to do: review");
            /* on: waiting: after how long (again, up to max times); objection and escalation: at most
             * max firings per consultation */
            R->max = 1;
            int bounded = R->on == CC_AEV_WAITING || R->on == CC_AEV_OBJECTION || R->on == CC_AEV_ESCALATION;
            if (bounded) {
                double mx = 1;
                if (get_number(L, r, "max", 0, 1, 20, &mx, "agent rule") && mx != floor(mx))
                    err(L, cc_ytree_get(r, "max")->pos, "type", NULL,
                        "rule 'max' must be a whole number, not %g", mx);
                else
                    R->max = (int)mx;
            } else if (cc_ytree_get(r, "max")) {
                err(L, cc_ytree_key(r, "max")->pos, "bad-rule", "use on: waiting, objection or escalation",
                    "'max' only applies to on: waiting, objection and escalation");
            }
            if (R->on == CC_AEV_WAITING) {
                get_duration(L, r, "after", 1, &R->after_s, "agent rule");
                if (R->after_s <= 0 && cc_ytree_get(r, "after"))
                    err(L, cc_ytree_get(r, "after")->pos, "bad-rule", "write the interval, e.g. after: 2h",
                        "'after' must be longer than 0s");
            } else if (cc_ytree_get(r, "after")) {
                err(L, cc_ytree_key(r, "after")->pos, "bad-rule", "use on: waiting",
                    "'after' only applies to on: waiting");
            }
            if (R->action == CC_ACT_REMIND && R->on != CC_AEV_WAITING && R->on != CC_AEV_ESCALATION &&
                R->on != CC_AEV_OBJECTION && R->on != CC_AEV_STAGE && R->on != CC_AEV_REQUEST)
                err(L, r->pos, "bad-rule", "use on: waiting, escalation, objection, stage or request",
                    "do: remind answers a consultation");
            if (R->action == CC_ACT_REVIEW && R->on != CC_AEV_STAGE && R->on != CC_AEV_REQUEST)
                err(L, r->pos, "bad-rule", "use on: stage",
                    "do: review answers a consultation: it needs on: stage or on: request");
        }
    }
}

/* ---- an agents file (docs/calibration.md, "The agents file") ------------------------------- */

/* Moves every position of the tree into the agents file's range (CC_POS_AGENTS_FILE). */
static void offset_tree(cc_ynode *n, int depth)
{
    if (!n || depth > CC_YTREE_MAX_DEPTH + 2)
        return;
    if (n->pos.line > 0)
        n->pos.line += CC_POS_AGENTS_FILE;
    size_t k = n->kind == CC_Y_MAP ? 2 * n->n : n->kind == CC_Y_SEQ ? n->n : 0;
    for (size_t i = 0; i < k; i++)
        offset_tree(n->items[i], depth + 1);
}

/* Its agents replace the scenario's of the same id, or are added. */
static void merge_agents(ld *L, cc_agent *old, size_t nold)
{
    cc_scenario *s = L->s;
    cc_agent *fresh = s->agents;
    size_t nfresh = s->nagents, n = nold;
    cc_agent *all = alloc_items(L, nold + nfresh, sizeof *all);
    s->agents = all ? all : old;
    s->nagents = all ? 0 : nold;
    if (!all)
        return;
    if (nold)
        memcpy(all, old, nold * sizeof *all);
    for (size_t f = 0; f < nfresh; f++) {
        size_t i = 0;
        while (i < nold && !(fresh[f].id && old[i].id && strcmp(fresh[f].id, old[i].id) == 0))
            i++;
        all[i < nold ? i : n++] = fresh[f];
    }
    s->nagents = n;
}

/* Its seats: each re-assigned to the agent named (resolved by cc_scenario_check). */
static void assign_seats(ld *L, const cc_ynode *root)
{
    cc_scenario *s = L->s;
    cc_ynode *m = field(L, root, "seats", 0, "the agents file");
    if (!m || !is_map(L, m, "the agents file's 'seats'"))
        return;
    const char **ids = alloc_items(L, s->nseats, sizeof *ids);
    for (size_t i = 0; ids && i < s->nseats; i++)
        ids[i] = s->seats[i].id;
    for (size_t k = 0; ids && k < m->n; k++) {
        const cc_ynode *key = m->items[2 * k], *val = m->items[2 * k + 1];
        size_t i = 0;
        while (i < s->nseats && strcmp(s->seats[i].id, key->text) != 0)
            i++;
        if (i == s->nseats) {
            const char *sug = cc_suggest(key->text, ids, s->nseats);
            char hint[160];
            snprintf(hint, sizeof hint, "did you mean '%s'?", sug ? sug : "");
            err(L, key->pos, "unknown-ref", sug ? hint : NULL,
                "the agents file assigns seat '%s', which scenario '%s' does not have", key->text,
                s->id ? s->id : "?");
            continue;
        }
        const char *agent = scalar(L, val, "an agent id in 'seats'");
        if (agent && !cc_scenario_id_ok(agent)) {
            err(L, val->pos, "bad-id", NULL, "'%s' is not a valid agent id", agent);
            continue;
        }
        if (agent) {
            s->seats[i].agent = agent;
            s->seats[i].agent_pos = val->pos;
            s->seats[i].agent_index = -1;
        }
    }
}

/* Reads the agents file at path into the scenario L loads, before it is checked. */
static void load_agents_file(ld *L, const char *path)
{
    cc_scenario *s = L->s;
    char *text = NULL, why[200];
    size_t len = 0;
    if (!(s->agents_file = cc_arena_strdup(L->a, path))) {
        nomem(L);
        return;
    }
    cc_err rc = cc_file_read(path, CC_YTREE_MAX_BYTES, &text, &len, why, sizeof why);
    if (rc != CC_OK) {
        L->errors++;
        if (cc_diags_add(L->d, CC_SEV_ERROR, path, (cc_pos){0, 0}, "io", NULL, "%s", why) != CC_OK ||
            rc == CC_ERR_NOMEM)
            L->oom = 1;
        return;
    }
    cc_sha256((const unsigned char *)text, len, s->agents_hash);
    cc_ynode *root = NULL;
    rc = cc_ytree_parse(text, len, s->agents_file, L->a, L->d, &root);
    free(text);
    if (rc != CC_OK || !root) {
        if (rc == CC_ERR_NOMEM)
            nomem(L);
        else if (rc == CC_OK && cc_diags_add(L->d, CC_SEV_ERROR, path, (cc_pos){1, 1}, "empty",
                                             "start with 'caucus_agents: 1'; see docs/calibration.md",
                                             "the agents file is empty") != CC_OK)
            L->oom = 1;
        L->errors++;
        return;
    }
    offset_tree(root, 0);
    if (!is_map(L, root, "the agents file"))
        return;
    static const char *const keys[] = {"caucus_agents", "scenario", "agents", "seats", NULL};
    check_keys(L, root, "the agents file", keys);
    cc_ynode *v = field(L, root, "caucus_agents", 1, "the agents file");
    if (v && (v->kind != CC_Y_SCALAR || v->style != CC_YS_PLAIN || strcmp(v->text, "1") != 0))
        err(L, v->pos, "bad-version", "this caucus reads agents files of version 1",
            "unsupported agents file version '%s'", v->kind == CC_Y_SCALAR ? v->text : "?");
    const char *scen = get_str(L, root, "scenario", 0, "the agents file");
    if (scen && s->id && strcmp(scen, s->id) != 0)
        err(L, cc_ytree_get(root, "scenario")->pos, "other-scenario", NULL,
            "the agents file is for scenario '%s', not '%s'", scen, s->id);
    if (!field(L, root, "agents", 1, "the agents file"))
        return;
    cc_agent *old = s->agents;
    size_t nold = s->nagents;
    s->agents = NULL;
    s->nagents = 0;
    load_agents(L, root);
    merge_agents(L, old, nold);
    assign_seats(L, root);
}

/* ---- entry points ---------------------------------------------------------------- */

/* ---- the readers, for the sections loaded elsewhere (scenario_load_int.h) ---------------- */

cc_scenario *cc_ld_scenario(ld *L)
{
    return L->s;
}

cc_arena *cc_ld_arena(ld *L)
{
    return L->a;
}

void cc_ld_err(ld *L, cc_pos pos, const char *code, const char *hint, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    err(L, pos, code, hint, "%s", buf);
}

void cc_ld_nomem(ld *L)
{
    nomem(L);
}

int cc_ld_is_map(ld *L, const cc_ynode *n, const char *what)
{
    return is_map(L, n, what);
}

int cc_ld_is_seq(ld *L, const cc_ynode *n, const char *what)
{
    return is_seq(L, n, what);
}

void cc_ld_check_keys(ld *L, const cc_ynode *map, const char *what, const char *const *allowed)
{
    check_keys(L, map, what, allowed);
}

cc_ynode *cc_ld_field(ld *L, const cc_ynode *map, const char *key, int required, const char *what)
{
    return field(L, map, key, required, what);
}

const char *cc_ld_str(ld *L, const cc_ynode *map, const char *key, int required, const char *what)
{
    return get_str(L, map, key, required, what);
}

const char *cc_ld_id(ld *L, const cc_ynode *map, const char *key, int required, const char *what, cc_pos *pos)
{
    return get_id(L, map, key, required, what, pos);
}

int cc_ld_bool(ld *L, const cc_ynode *map, const char *key, int dflt, const char *what)
{
    return get_bool(L, map, key, dflt, what);
}

int cc_ld_number(ld *L, const cc_ynode *map, const char *key, int required, double lo, double hi, double *out,
                 const char *what)
{
    return get_number(L, map, key, required, lo, hi, out, what);
}

int cc_ld_enum(ld *L, const cc_ynode *map, const char *key, int required, const char *const *names, int dflt,
               const char *what, cc_pos *pos)
{
    return get_enum(L, map, key, required, names, dflt, what, pos);
}

cc_strs cc_ld_strs(ld *L, const cc_ynode *map, const char *key, int required, int ids, const char *what)
{
    return get_strs(L, map, key, required, ids, what);
}

cc_refs cc_ld_refs(ld *L, const cc_ynode *map, const char *key, int required, const char *what)
{
    return get_refs(L, map, key, required, what);
}

void cc_ld_label(ld *L, const cc_ynode *map, const char *key, int originator, cc_labelspec *ls,
                 const char *what)
{
    get_label(L, map, key, originator, ls, what);
}

void *cc_ld_alloc(ld *L, size_t n, size_t size)
{
    return alloc_items(L, n, size);
}

int cc_ld_control_party(ld *L)
{
    return cc_scenario_control_party(L->s);
}

cc_err cc_scenario_load(const char *text, size_t len, const char *file, const cc_load_opts *opts,
                        cc_diags *diags, cc_scenario **out)
{
    *out = NULL;
    cc_arena *a = cc_arena_new(0);
    cc_scenario *s = a ? cc_arena_alloc(a, sizeof *s) : NULL;
    if (!s) {
        cc_arena_free(a);
        return CC_ERR_NOMEM;
    }
    s->arena = a;
    s->file = cc_arena_strdup(a, file ? file : "<input>");
    s->control_cell = -1;
    s->default_mechanism_index = -1;
    cc_sha256((const unsigned char *)text, len, s->hash);
    ld L = {.s = s,
            .a = a,
            .d = diags,
            .file = s->file,
            .tzdir = opts ? opts->tzdir : NULL,
            .require_languages = opts && opts->require_languages};

    cc_ynode *root = NULL;
    cc_err rc = cc_ytree_parse(text, len, s->file, a, diags, &root);
    if (rc != CC_OK) {
        cc_scenario_free(s);
        return rc;
    }
    if (!root) {
        err(&L, (cc_pos){1, 1}, "empty", "start with 'caucus: 1'; see docs/scenario-format.md",
            "the scenario file is empty");
        cc_scenario_free(s);
        return CC_ERR_INVALID;
    }
    if (!is_map(&L, root, "the scenario")) {
        cc_scenario_free(s);
        return CC_ERR_INVALID;
    }
    for (size_t i = 0; opts && i < opts->npatches; i++) {
        rc = cc_patch_apply(root, &opts->patches[i], a, s->file, diags);
        if (rc != CC_OK) {
            cc_scenario_free(s);
            return rc;
        }
    }
    static const char *const keys[] = {
        "caucus",        "exercise",   "label_policy", "parties",           "cells",
        "seats",         "objectives", "injects",      "decisions",         "mechanisms",
        "consultations", "guidelines", "agents",       "evaluation_guides", "questionnaires",
        "scoring",       NULL};
    check_keys(&L, root, "the scenario", keys);
    cc_ynode *v = field(&L, root, "caucus", 1, "scenario");
    if (v) {
        if (v->kind != CC_Y_SCALAR || v->style != CC_YS_PLAIN || strcmp(v->text, "1") != 0)
            err(&L, v->pos, "bad-version", "this caucus reads format version 1",
                "unsupported scenario format version '%s'", v->kind == CC_Y_SCALAR ? v->text : "?");
        else
            s->version = 1;
    }
    load_exercise(&L, root);
    load_policy(&L, root);
    load_parties(&L, root);
    load_cells(&L, root);
    load_seats(&L, root);
    load_objectives(&L, root);
    load_injects(&L, root);
    load_decisions(&L, root);
    load_mechanisms(&L, root);
    load_consultations(&L, root);
    load_guidelines(&L, root);
    load_agents(&L, root);
    cc_ld_load_evaluation(&L, root);
    if (opts && opts->agents && !L.oom)
        load_agents_file(&L, opts->agents);
    if (L.oom) {
        cc_scenario_free(s);
        return CC_ERR_NOMEM;
    }
    cc_scenario_translations_done(s);
    if (!(opts && opts->no_check)) {
        cc_err crc = cc_scenario_check(s, diags);
        if (crc == CC_ERR_NOMEM) {
            cc_scenario_free(s);
            return crc;
        }
        if (crc != CC_OK)
            L.errors++;
    }
    if (L.errors) {
        cc_scenario_free(s);
        return CC_ERR_INVALID;
    }
    *out = s;
    return CC_OK;
}

cc_err cc_scenario_load_dist(const char *text, size_t len, const char *file, const char *what, cc_arena *a,
                             cc_diags *diags, cc_dist *out)
{
    memset(out, 0, sizeof *out);
    cc_scenario *s = cc_arena_alloc(a, sizeof *s); /* an empty one: err() names the file through it */
    if (!s)
        return CC_ERR_NOMEM;
    memset(s, 0, sizeof *s);
    s->file = file ? file : "<input>";
    ld L = {.s = s, .a = a, .d = diags, .file = s->file};
    cc_ynode *root = NULL;
    cc_err rc = cc_ytree_parse(text, len, s->file, a, diags, &root);
    if (rc != CC_OK)
        return rc;
    if (!root) {
        err(&L, (cc_pos){1, 1}, "empty", "write a duration such as 30m, or {dist: exponential, mean: 30m}",
            "%s is empty", what);
        return CC_ERR_INVALID;
    }
    get_dist(&L, root, out, what);
    if (L.oom)
        return CC_ERR_NOMEM;
    return L.errors ? CC_ERR_INVALID : CC_OK;
}

cc_err cc_scenario_load_file(const char *path, const cc_load_opts *opts, cc_diags *diags, cc_scenario **out)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        cc_diags_add(diags, CC_SEV_ERROR, path, (cc_pos){0, 0}, "io", NULL, "cannot open: %s",
                     strerror(errno));
        return CC_ERR_IO;
    }
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    cc_err rc = buf ? CC_OK : CC_ERR_NOMEM;
    while (rc == CC_OK) {
        if (len == cap) {
            if (cap > CC_YTREE_MAX_BYTES) {
                cc_diags_add(diags, CC_SEV_ERROR, path, (cc_pos){0, 0}, "too-large", NULL,
                             "file is larger than the %u MiB limit", CC_YTREE_MAX_BYTES >> 20);
                rc = CC_ERR_LIMIT;
                break;
            }
            char *nb = cc_grow(buf, &cap, cap + 1, 1);
            if (!nb) {
                rc = CC_ERR_NOMEM;
                break;
            }
            buf = nb;
        }
        size_t r = fread(buf + len, 1, cap - len, f);
        len += r;
        if (r == 0) {
            if (ferror(f)) {
                cc_diags_add(diags, CC_SEV_ERROR, path, (cc_pos){0, 0}, "io", NULL, "read error: %s",
                             strerror(errno));
                rc = CC_ERR_IO;
            }
            break;
        }
    }
    fclose(f);
    if (rc == CC_OK)
        rc = cc_scenario_load(buf, len, path, opts, diags, out);
    free(buf);
    return rc;
}
